//! The HTTP surface: the accept loop ([`server`]), Pesapal's API ([`api`], reading requests in
//! [`request`] and answering in [`answers`]), the control API under `/_sim` ([`control`]),
//! fault injection on the API ([`faults`]), the base of the URLs handed out ([`base_url`]), and
//! ASP.NET Web API's answers for what is not served ([`unserved`]).

pub(crate) mod answers;
pub(crate) mod api;
pub(crate) mod base_url;
pub(crate) mod control;
pub(crate) mod faults;
pub(crate) mod request;
pub(crate) mod server;
pub(crate) mod unserved;
