package dev.vireo.cli;

/** The {@code --output} formats every listing offers. */
public enum OutputFormat { table, json }
