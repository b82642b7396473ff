print("usage: anomalyd-bench SUITE")
