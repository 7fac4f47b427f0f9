package jcri.critest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One scrape of a jcrid's Prometheus page. */
public record Metrics(String text) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Scrapes {@code http://127.0.0.1:port/metrics}. */
    public static Metrics scrape(int port) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build();
        return new Metrics(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    /** The value of {@code series} (name and labels exactly as printed), 0 when it is absent. */
    public double value(String series) {
        return text.lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).findFirst().orElse(0);
    }

    public boolean contains(String fragment) {
        return text.contains(fragment);
    }

    @Override
    public String toString() {
        return text;
    }
}
