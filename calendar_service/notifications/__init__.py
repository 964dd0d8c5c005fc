"""The outbox: messages written with the state change they report, sent by a worker."""
