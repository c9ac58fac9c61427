//! Scenario files: parser, runner and the narrative of `winsan explain`.
