//! The console: server-rendered pages for freelancers, clients, agents and admins.

use crate::WebState;
use axum::Router;

pub fn routes(_demo_mode: bool) -> Router<WebState> {
    Router::new()
}
