//! Chat completions: request, response and chunk types, validation, streaming, accumulation.
