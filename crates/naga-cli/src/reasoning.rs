//! Reasoning shown on stderr as it arrives, so stdout stays the answer alone.

use std::io::{self, Write};

/// Writes reasoning fragments to stderr after a `[reasoning] ` label, and ends them with a
/// line break once (before the answer's text, or at the end). A failed write to stderr is
/// ignored, as the other notes there are.
#[derive(Debug, Default)]
pub(crate) struct ReasoningEcho {
    /// Whether reasoning went out and its line is not ended yet.
    open: bool,
}

impl ReasoningEcho {
    /// Shows one fragment (an empty one shows nothing).
    pub(crate) fn show(&mut self, fragment: &str) {
        if fragment.is_empty() {
            return;
        }
        let mut stderr = io::stderr().lock();
        if !self.open {
            let _ = stderr.write_all(b"[reasoning] ");
            self.open = true;
        }
        let _ = stderr.write_all(fragment.as_bytes()).and_then(|()| stderr.flush());
    }

    /// Ends the reasoning shown so far with a line break; nothing when none was shown.
    pub(crate) fn end(&mut self) {
        if std::mem::take(&mut self.open) {
            let _ = io::stderr().lock().write_all(b"\n");
        }
    }

    /// Shows a whole answer's reasoning on its own line.
    pub(crate) fn show_whole(reasoning: &str) {
        let mut echo = ReasoningEcho::default();
        echo.show(reasoning);
        echo.end();
    }
}
