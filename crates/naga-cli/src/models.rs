//! `naga models`: the model list as a table or as JSON.

use naga_blocking::Client;
use naga_protocol::{ListModels, Model};

use crate::args::ModelsArgs;
use crate::chat::print_text;
use crate::failure::Failure;

/// Fetches the list and prints it.
pub(crate) fn run(client: &Client, args: &ModelsArgs) -> Result<(), Failure> {
    let list = client.send(&ListModels)?;
    if args.json {
        let json = serde_json::to_string_pretty(&list)
            .map_err(|err| Failure::Other(format!("cannot print the model list: {err}")))?;
        return print_text(&json);
    }
    print_text(table(&list.data).trim_end())
}

/// A fixed-width table: id, context window, input and output price per million tokens.
fn table(models: &[Model]) -> String {
    let width = models.iter().map(|m| m.id.len()).max().unwrap_or(0).max(2);
    let mut out =
        format!("{:<width$}  {:>10}  {:>12}  {:>12}\n", "ID", "CONTEXT", "INPUT $/M", "OUTPUT $/M");
    for model in models {
        let pricing = model.pricing.as_ref();
        let per_million =
            |price: Option<f64>| price.map_or("-".to_owned(), |p| format!("{:.2}", p * 1e6));
        out.push_str(&format!(
            "{:<width$}  {:>10}  {:>12}  {:>12}\n",
            model.id,
            model.context_window.map_or("-".to_owned(), |c| c.to_string()),
            per_million(pricing.and_then(|p| p.per_input_token)),
            per_million(pricing.and_then(|p| p.per_output_token)),
        ));
    }
    out
}
