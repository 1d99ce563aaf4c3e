"""Benchmarks: each measures a part of Birlikte against the raw stack doing the same work
(plain psycopg, plain pika, a bare Flask app) in the same run, and prints the ratio.

They are not timed tests: machines are shared and noisy; run them, read the figures."""
