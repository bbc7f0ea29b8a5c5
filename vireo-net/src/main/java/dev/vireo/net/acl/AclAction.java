package dev.vireo.net.acl;

/** What a rule (or a port's default policy) does with a matching frame. */
public enum AclAction { ALLOW, DENY }
