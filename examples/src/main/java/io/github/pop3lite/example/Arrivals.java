package io.github.pop3lite.example;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;

import org.apache.camel.Body;
import org.apache.camel.Header;

/**
 * Remembers what the queue-reading routes received (the bean {@code arrivals} in {@code routes/queues.camel.yaml})
 * and renders the summary.
 */
public final class Arrivals {

    /**
     * One JMS message read from a queue.
     *
     * @param queue   the queue it was read from
     * @param subject the mail's Subject (decoded)
     * @param from    the mail's From (decoded)
     * @param reason  why its route failed, for a dead letter; otherwise {@code null}
     * @param mail    the mail as it was on the POP3 server (RFC 5322 bytes)
     */
    public record Arrival(String queue, String subject, String from, String reason, byte[] mail) {
    }

    /**
     * One attachment read from the attachments queue.
     *
     * @param name    the attachment's name (its decoded file name)
     * @param type    its content type
     * @param subject the Subject of the mail it came with
     * @param content its decoded octets
     */
    public record AttachmentArrival(String name, String type, String subject, byte[] content) {
    }

    private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final List<AttachmentArrival> attachments = new CopyOnWriteArrayList<>();
    private final AtomicInteger attachmentsSent = new AtomicInteger();

    /** Called by the queue-reading routes for each message they read. */
    public void arrived(@Header("JMSDestination") Destination destination, @Header("Subject") String subject,
            @Header("From") String from, @Header("FailureReason") String reason, @Body byte[] mail)
            throws JMSException {
        String queue = destination instanceof Queue q ? q.getQueueName() : String.valueOf(destination);
        arrivals.add(new Arrival(queue, subject, from, reason, mail));
    }

    /** Called by the mail route for each attachment it sends to the attachments queue. */
    public void attachmentSent() {
        attachmentsSent.incrementAndGet();
    }

    /** Called by the route that reads the attachments queue. */
    public void attachmentArrived(@Header("AttachmentName") String name, @Header("AttachmentType") String type,
            @Header("Subject") String subject, @Body byte[] content) {
        attachments.add(new AttachmentArrival(name, type, subject, content));
    }

    /** Whether every attachment the mail route sent has been read from its queue. */
    public boolean allAttachmentsArrived() {
        return attachments.size() >= attachmentsSent.get();
    }

    public List<AttachmentArrival> attachments() {
        return List.copyOf(attachments);
    }

    /** The summary of the attachments queue: how many, and each with its type and size. */
    public static String attachmentSummary(List<AttachmentArrival> attachments, String queue) {
        StringBuilder out = new StringBuilder(String.format("  %s  %d attachment%s (of the invoice mails)%n", queue,
                attachments.size(), attachments.size() == 1 ? "" : "s"));
        for (AttachmentArrival a : attachments) {
            out.append(String.format("  %-" + queue.length() + "s    - %s  (%s, %d bytes, from %s)%n", "", a.name(),
                    a.type(), a.content().length, a.subject()));
        }
        return out.toString();
    }

    public int count() {
        return arrivals.size();
    }

    public List<Arrival> list() {
        return List.copyOf(arrivals);
    }

    /**
     * The summary: per queue, the number of messages and their subjects; the queues listed first, in this order.
     */
    public static String summary(List<Arrival> arrivals, List<String> queues, String deadLetterQueue) {
        Map<String, List<Arrival>> byQueue = new LinkedHashMap<>();
        queues.forEach(q -> byQueue.put(q, new ArrayList<>()));
        arrivals.forEach(a -> byQueue.computeIfAbsent(a.queue(), q -> new ArrayList<>()).add(a));
        int width = byQueue.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<Arrival>> entry : byQueue.entrySet()) {
            List<Arrival> list = entry.getValue();
            boolean dead = entry.getKey().equals(deadLetterQueue);
            out.append(String.format("  %-" + width + "s  %d message%s%s%n", entry.getKey(), list.size(),
                    list.size() == 1 ? "" : "s", dead ? " (dead letters: their route failed)" : ""));
            for (Arrival a : list) {
                out.append(String.format("  %-" + width + "s    - %s  (from %s)%n", "", a.subject(), a.from()));
                if (a.reason() != null) {
                    out.append(String.format("  %-" + width + "s      failed: %s%n", "", a.reason()));
                }
            }
        }
        return out.toString();
    }
}
