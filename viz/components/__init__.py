"""The parts of the live view: controls, banner, gauges, network, charts, books, events."""
