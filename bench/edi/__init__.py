"""EDI reading benchmark: omnihub's X12 reader against pyx12 (``python -m bench.edi``)."""
