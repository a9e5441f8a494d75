# The InfluxDB writer's tests (writers/influxdb): line protocol and spill file units, and the
# writer end to end against a real influxd.
lb_test(unit influx_line SOURCES unit/test_influx_line.c LIBS influx_core)
lb_test(unit influx_spill SOURCES unit/test_influx_spill.c LIBS influx_core)
lb_shell_test(integration influx_writer integration/influx_writer.sh)
