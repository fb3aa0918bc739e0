package io.github.pop3lite.example;

import java.util.List;

/**
 * How a run of the example ended.
 *
 * @param exitCode 0 when every message the run routed arrived on its queue; 1 otherwise
 * @param problem  why the run failed; {@code null} on success
 * @param arrivals    what arrived on which queue, in order of arrival
 * @param attachments the attachments that arrived on the attachments queue, in order of arrival
 */
public record Outcome(int exitCode, String problem, List<Arrivals.Arrival> arrivals,
                      List<Arrivals.AttachmentArrival> attachments) {

    static Outcome success(Arrivals arrivals) {
        return new Outcome(0, null, arrivals.list(), arrivals.attachments());
    }

    static Outcome failure(String problem, Arrivals arrivals) {
        return new Outcome(1, problem, arrivals.list(), arrivals.attachments());
    }
}
