//! One module per command; each parses its arguments, calls one library function and prints.

pub mod c14n;
pub mod cert;
pub mod cert_check;
pub mod key;
pub mod sign;
pub mod trust;
pub mod verify;
