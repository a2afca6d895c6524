//! [`Outcome`] and [`Items`]: what a call produced, normalised across transports.

use std::time::Duration;

use naga_protocol::{ChatAccumulator, ChatCompletion, ChatCompletionChunk};

use crate::failure::Failure;

/// The result of one `chat` or `chat_stream` call (streams accumulated).
///
/// Two outcomes are equal when their results and partial completions are: `elapsed` and the
/// error's text (which names the HTTP library) are compared by each case, not by `==`.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The completion, or the failure's class.
    pub result: Result<ChatCompletion, Failure>,
    /// What a failed stream had delivered before the failure.
    pub partial: Option<ChatCompletion>,
    /// Wall time of the whole call, retries and stream included.
    pub elapsed: Duration,
    /// The error's `Display` text, for messages and secret checks.
    pub error_text: Option<String>,
}

impl PartialEq for Outcome {
    fn eq(&self, other: &Self) -> bool {
        self.result == other.result && self.partial == other.partial
    }
}

impl Outcome {
    /// The completion; panics with the failure otherwise (test helper).
    #[track_caller]
    pub fn completion(&self) -> &ChatCompletion {
        match &self.result {
            Ok(completion) => completion,
            Err(failure) => {
                panic!("expected a completion, got {failure:?} ({:?})", self.error_text)
            }
        }
    }

    /// The failure; panics with the completion otherwise (test helper).
    #[track_caller]
    pub fn failure(&self) -> &Failure {
        match &self.result {
            Err(failure) => failure,
            Ok(completion) => panic!("expected a failure, got {completion:?}"),
        }
    }
}

/// Every item of a raw stream, read to its end (reading goes on after errors).
#[derive(Debug, Clone)]
pub struct Items {
    /// Chunks and per-item failures, in order; `Err(Failure::Other)` never ends the read early
    /// unless the transport ends the stream.
    pub items: Vec<Result<ChatCompletionChunk, Failure>>,
    /// An error from opening the stream (no items then).
    pub open_error: Option<Failure>,
    /// Wall time until the stream ended.
    pub elapsed: Duration,
}

impl PartialEq for Items {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items && self.open_error == other.open_error
    }
}

/// Most items read from one raw stream before the test gives up (a transport that yields
/// errors forever must not hang the suite).
pub(crate) const MAX_ITEMS: usize = 10_000;

impl Items {
    /// The failures, in order.
    pub fn failures(&self) -> Vec<&Failure> {
        self.items.iter().filter_map(|item| item.as_ref().err()).collect()
    }

    /// The chunks added up (failures skipped).
    pub fn accumulated(&self) -> ChatCompletion {
        let mut acc = ChatAccumulator::new();
        self.items.iter().filter_map(|item| item.as_ref().ok()).for_each(|c| acc.push(c));
        acc.finish()
    }

    /// How many chunks arrived after the first failure.
    pub fn chunks_after_first_failure(&self) -> usize {
        let first = self.items.iter().position(Result::is_err).unwrap_or(self.items.len());
        self.items.iter().skip(first).filter(|item| item.is_ok()).count()
    }
}
