//! Cross-transport conformance: one table of cases, run through `naga-blocking` and
//! `naga-async` against `naga-mock`, compared on a normalised [`Outcome`].
//!
//! ```text
//!  Setup (url, key, headers, timeouts, retry) --> Blocking | Async  (the Transport trait)
//!  Transport::chat / chat_stream / stream_items --> Outcome / Items (values, Failure, elapsed)
//!  both(server, setup, case, call) --> Runs: outcomes + requests the server saw, per transport
//! ```
//!
//! Every case runs the same call on both transports, asserts the normalised outcomes and the
//! request counts are equal ([`Runs::agreed`]), then checks the case's own expectations.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // test harness

mod failure;
mod outcome;
mod runs;
mod setup;
mod transport;

pub use failure::{Failure, TransportError};
pub use outcome::{Items, Outcome};
pub use runs::{
    CHAT_PATH, Pairing, Run, Runs, added_up, both, on_pair, over_http1_and_http2, refused_url,
    send_both, stream_both, with_and_without_read_ahead,
};
pub use setup::{PROVISIONING_KEY, Setup, TEST_KEY};
pub use transport::{Async, Blocking, Sender, StreamedItems, Transport};
