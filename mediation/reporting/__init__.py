"""What goes up to the Bureau of Justice: statistics, the monthly report, the nightly export."""
