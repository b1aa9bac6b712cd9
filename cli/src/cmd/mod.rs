//! One module per command; each parses its arguments, calls one library function and prints.

pub mod c14n;
pub mod cert;
pub mod key;
pub mod sign;
pub mod verify;
