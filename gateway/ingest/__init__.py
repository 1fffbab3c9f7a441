"""The ingest flow: admission (throttle and idempotency), the JSON, webhook and EDI body
codecs and handlers, back-pressure, business keys and the journal batch."""
