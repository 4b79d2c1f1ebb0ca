"""Forms of the programming, by stage: calls, applications, instruction, committees, followup."""
