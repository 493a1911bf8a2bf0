#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;

mod acrh;
mod config;
mod decision;
mod error;
mod header;
pub mod limits;
mod method;
mod origin;
mod policy;
#[cfg(feature = "alloc")]
mod regex;
mod request;
mod table;
mod token;

pub use config::Config;
pub use decision::{
    Decision, Denial, Header, HeaderName, Headers, HeadersIter, Kind, Reason, Verdict,
};
pub use error::{ConfigError, ConfigErrors, Field, Problem, Value};
pub use policy::FixedPolicy;
#[cfg(feature = "alloc")]
pub use policy::Policy;
pub use request::RequestDescriptor;
