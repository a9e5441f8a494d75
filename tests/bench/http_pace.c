/* http_pace URL KEY RATE COUNT: POSTs COUNT SenML messages [{"n":"ts","v":<send time, Unix
 * us>}] to URL at RATE per second over one keep-alive connection (libcurl), so a subscriber
 * can measure delivery latency from the stamp. Prints how many were accepted (202); exits 1
 * if any was not. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_us(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    return size * n;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: http_pace URL KEY RATE COUNT\n");
        return 2;
    }
    long rate = atol(argv[3]), count = atol(argv[4]), ok = 0;
    char auth[512], body[128];
    snprintf(auth, sizeof auth, "Authorization: Thing %s", argv[2]);
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, auth);
    h = curl_slist_append(h, "Content-Type: application/senml+json");
    curl_easy_setopt(c, CURLOPT_URL, argv[1]);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    long long start = now_us(CLOCK_MONOTONIC);
    for (long i = 0; i < count; i++) {
        long long due = start + i * 1000000LL / rate;
        long long wait = due - now_us(CLOCK_MONOTONIC);
        if (wait > 0) {
            struct timespec ts = {wait / 1000000, (wait % 1000000) * 1000};
            nanosleep(&ts, NULL);
        }
        snprintf(body, sizeof body, "[{\"n\":\"ts\",\"v\":%lld}]", now_us(CLOCK_REALTIME));
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        long status = 0;
        if (curl_easy_perform(c) == CURLE_OK)
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        ok += status == 202;
    }
    printf("accepted %ld of %ld\n", ok, count);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return ok == count ? 0 : 1;
}
