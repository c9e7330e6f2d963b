mod support;

mod app;

mod differential_js;
mod ecommpay_cli;
mod gen;
mod sandbox;
mod security;
mod signing_props;
mod till;
mod vectors;
