//! One module per command; each parses its arguments, calls one library function and prints.

pub mod application;
pub mod batch;
pub mod c14n;
pub mod cert;
pub mod cert_check;
pub mod cms;
pub mod demo;
pub mod envelope;
pub mod gateway;
pub mod key;
pub mod licence;
pub mod report;
pub mod result;
pub mod serve;
pub mod sign;
pub mod trust;
pub mod tsp;
pub mod verify;
pub mod wss;
