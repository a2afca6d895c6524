//! The async client's error: the protocol's error plus what only a transport can hit.
//!
//! Defined once for every transport by [`naga_protocol::transport_error!`].

naga_protocol::transport_error!();
