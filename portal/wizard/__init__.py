"""The platform's application engine (step wizard, drafts, documents, SMS-confirmed submit).
Start with ``portal.wizard.engine``'s docstring."""
