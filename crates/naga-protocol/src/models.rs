//! `GET /models`: the model catalogue (API digest §3.10).
//!
//! Every field except `id` is optional, and a field of an unexpected type decodes as `None`
//! instead of failing the whole list: the catalogue is metadata, and a changed field on one
//! model must not hide the others. Unknown fields are kept in `extra`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use bytes::Bytes;
use http::Method;
use schemars::JsonSchema;
use serde::de::Deserializer;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::lenient::{lenient, lenient_list, lenient_u64};
use crate::operation::{Auth, Operation};

/// Lists the available models: `GET /models` (the API key is optional).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListModels;

impl Operation for ListModels {
    type Output = ModelList;

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/models")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        Ok(None)
    }

    fn auth(&self) -> Auth {
        Auth::OptionalApiKey
    }

    const NAME: &'static str = "model list";
}

/// Public metadata about startups using Naga: `GET /startups` (no key needed). No schema is
/// documented, so the answer is kept as raw JSON.
///
/// ```
/// use naga_protocol::{ListStartups, Operation};
/// assert_eq!(ListStartups.path(), "/startups");
/// let answer = ListStartups::decode_output(br#"{"object":"list","data":[]}"#)?;
/// assert_eq!(answer["object"], "list");
/// # Ok::<(), naga_protocol::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListStartups;

impl Operation for ListStartups {
    type Output = serde_json::Value;

    fn method(&self) -> Method {
        Method::GET
    }

    fn path(&self) -> Cow<'_, str> {
        Cow::Borrowed("/startups")
    }

    fn body(&self) -> Result<Option<Bytes>, Error> {
        Ok(None)
    }

    fn auth(&self) -> Auth {
        Auth::OptionalApiKey
    }

    const NAME: &'static str = "startup list";
}

/// The catalogue. Decodes both `{"object":"list","data":[...]}` and a bare `[...]` (the
/// older documented shape); serializes as the former.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct ModelList {
    /// `"list"` when the server sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// The models.
    pub data: Vec<Model>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ModelList {
    /// The model whose id or one of whose aliases is `id`.
    pub fn get(&self, id: &str) -> Option<&Model> {
        let by_alias = |m: &&Model| m.aliases.as_ref().is_some_and(|a| a.iter().any(|x| x == id));
        self.data.iter().find(|m| m.id == id).or_else(|| self.data.iter().find(by_alias))
    }

    /// Iterates over the models.
    pub fn iter(&self) -> std::slice::Iter<'_, Model> {
        self.data.iter()
    }
}

impl<'a> IntoIterator for &'a ModelList {
    type Item = &'a Model;
    type IntoIter = std::slice::Iter<'a, Model>;

    fn into_iter(self) -> Self::IntoIter {
        self.data.iter()
    }
}

/// The list as sent: `{"object": "list", "data": [...]}` or a bare array. An entry that is
/// not a model (no `id`, say) is skipped, and `"data": null` reads as empty.
#[derive(Deserialize)]
#[serde(untagged)]
enum ModelListWire {
    Wrapped {
        #[serde(default, deserialize_with = "lenient")]
        object: Option<String>,
        #[serde(deserialize_with = "lenient_list")]
        data: Vec<Model>,
        #[serde(flatten)]
        extra: Map<String, Value>,
    },
    Bare(Vec<Value>),
}

impl<'de> Deserialize<'de> for ModelList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match ModelListWire::deserialize(deserializer)? {
            ModelListWire::Wrapped { object, data, extra } => ModelList { object, data, extra },
            ModelListWire::Bare(items) => {
                let data = items.into_iter().filter_map(|i| serde_json::from_value(i).ok());
                ModelList { object: None, data: data.collect(), extra: Map::new() }
            }
        })
    }
}

/// One model of the catalogue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Model {
    /// The id to put in requests, e.g. `gpt-4o-mini` or `llama-3.3-70b-instruct:free` (one
    /// sent as a number reads as its text; an entry without one is no model).
    #[serde(deserialize_with = "model_id")]
    pub id: String,
    /// `"model"`.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// Unix seconds.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub created: Option<i64>,
    /// The vendor, e.g. `openai`.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<String>,
    /// A human-readable name.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// A description.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Context window in tokens (a whole float or numeric text reads too).
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub context_window: Option<u64>,
    /// Most images one answer can contain.
    #[serde(default, deserialize_with = "lenient_u64", skip_serializing_if = "Option::is_none")]
    pub max_output_images: Option<u64>,
    /// Endpoints serving this model, e.g. `chat.completions`.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub supported_endpoints: Option<Vec<String>>,
    /// Prices in USD per token.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub pricing: Option<ModelPricing>,
    /// Input and output modalities.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub architecture: Option<ModelArchitecture>,
    /// Other ids that name this model.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,
    /// When the model is retired (format not documented; kept as sent).
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub deprecates_at: Option<Value>,
    /// Request parameters the model accepts.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub supported_parameters: Option<Vec<String>>,
    /// Accepted request parameters per endpoint.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub supported_parameters_by_endpoint: Option<BTreeMap<String, Vec<String>>>,
    /// Fields this SDK does not know yet (e.g. the older `available_tiers`, `limit_group`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Model {
    /// Whether this is a free model (id ending in `:free`, shared free-tier limits apply).
    pub fn is_free(&self) -> bool {
        self.id.ends_with(":free")
    }
}

/// Prices in USD per token; a price sent as a numeric string is accepted too.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModelPricing {
    /// Per input token.
    #[serde(default, deserialize_with = "price", skip_serializing_if = "Option::is_none")]
    pub per_input_token: Option<f64>,
    /// Per cached input token.
    #[serde(default, deserialize_with = "price", skip_serializing_if = "Option::is_none")]
    pub per_cached_input_token: Option<f64>,
    /// Per output token.
    #[serde(default, deserialize_with = "price", skip_serializing_if = "Option::is_none")]
    pub per_output_token: Option<f64>,
    /// Per audio token.
    #[serde(default, deserialize_with = "price", skip_serializing_if = "Option::is_none")]
    pub per_audio_token: Option<f64>,
    /// Per generated image token.
    #[serde(default, deserialize_with = "price", skip_serializing_if = "Option::is_none")]
    pub per_output_image_token: Option<f64>,
    /// Per input text token.
    #[serde(default, deserialize_with = "price", skip_serializing_if = "Option::is_none")]
    pub per_input_text_token: Option<f64>,
    /// Per input image token.
    #[serde(default, deserialize_with = "price", skip_serializing_if = "Option::is_none")]
    pub per_input_image_token: Option<f64>,
    /// Per token, for models with a single price.
    #[serde(default, deserialize_with = "price", skip_serializing_if = "Option::is_none")]
    pub per_token: Option<f64>,
    /// Prices this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What a model takes and produces: `text`, `image`, `file`, `audio`, ...
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModelArchitecture {
    /// Accepted input modalities.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub input_modalities: Option<Vec<String>>,
    /// Produced output modalities.
    #[serde(default, deserialize_with = "lenient", skip_serializing_if = "Option::is_none")]
    pub output_modalities: Option<Vec<String>>,
    /// Fields this SDK does not know yet.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A model's id: text, or a number as its text; anything else (`null`) is no id.
fn model_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    crate::lenient::lenient_text(d)?.ok_or_else(|| serde::de::Error::custom("a model needs an id"))
}

/// A price: a number, or a string holding one.
fn price<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(crate::lenient::number_or_text(&Value::deserialize(d)?))
}

#[cfg(test)]
#[path = "models_tests.rs"]
mod tests;
