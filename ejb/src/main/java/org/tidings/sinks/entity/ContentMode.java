package org.tidings.sinks.entity;

/**
 * How a webhook sink's notifications are put on the wire, in the CloudEvents HTTP binding's terms (docs/adr/0012):
 * the whole event as one JSON document, or its data as the body with its attributes as {@code ce-} headers.
 */
public enum ContentMode {
    /** The body is the event as a structured-mode JSON CloudEvent ({@code application/cloudevents+json}). */
    STRUCTURED,
    /** The body is the event's data, byte for byte; {@code datacontenttype} is the content type; attributes are headers. */
    BINARY
}
