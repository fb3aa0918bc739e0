package io.github.pop3lite.example;

import java.util.List;

/**
 * How a run of the example ended.
 *
 * @param exitCode 0 when every message the run routed arrived on its queue; 1 otherwise
 * @param problem  why the run failed; {@code null} on success
 * @param arrivals what arrived on which queue, in order of arrival
 */
public record Outcome(int exitCode, String problem, List<Arrivals.Arrival> arrivals) {

    static Outcome success(List<Arrivals.Arrival> arrivals) {
        return new Outcome(0, null, List.copyOf(arrivals));
    }

    static Outcome failure(String problem, List<Arrivals.Arrival> arrivals) {
        return new Outcome(1, problem, List.copyOf(arrivals));
    }
}
