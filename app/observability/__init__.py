"""Operations: structured logs, Prometheus metrics, and the one middleware that feeds both."""
