"""Fragment lists and slot grammars of the call-text generator, one module per category."""
