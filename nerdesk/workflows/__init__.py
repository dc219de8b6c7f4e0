"""Qt-free orchestration used by the GUI and the CLI: retraining, model versions, active learning, the demo project."""
