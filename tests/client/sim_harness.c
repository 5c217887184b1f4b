void sim_harness_placeholder(void);
