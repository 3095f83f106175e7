"""The fuzzing harness (``make fuzz``) and the limited child-process runner it shares with
the hostile-input tests."""
