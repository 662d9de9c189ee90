package dev.brain.alerts;

/** What a rule found firing now: its subject, who it concerns, one line with the numbers, and the numbers as JSON. */
record Finding(String subject, String customerId, String agentId, String message, String detail) {
}
