"""Commands run by hand, by make or by the tests, never loaded by a server: training when the
inputs changed, the benchmark, the settings tool, the demo page's server and the loopback stack
of real servers that the tests and the benchmark start."""
