"""Procedure packages and the BPMN runtime: the only package that imports SpiffWorkflow."""
