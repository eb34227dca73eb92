"""Answering queries: one interface (`base.Store`), an embedded and a remote backend."""
