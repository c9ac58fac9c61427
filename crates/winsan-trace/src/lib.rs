//! The Linux side of `winsan run`.
