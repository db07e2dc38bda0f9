package org.tidings.provisioning.entity;

/** What kind of provisioned row a change concerns: each in-memory view follows the kinds it holds. */
public enum ChangeKind { SOURCE, SUBSCRIPTION, GROUP, TOKEN, GRANT }
