//! Server-sent events framing (WHATWG EventSource rules), sans-IO.
