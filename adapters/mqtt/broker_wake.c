/* Waking mosquitto's loop when bus messages wait for it.
 *
 * mosquitto 2.0.11 runs one loop: epoll_wait(..., 100 ms), handle sockets, then
 * MOSQ_EVT_TICK. The tick event's next_s/next_ns fields are ignored (the broker zeroes them),
 * and the plugin API offers no way to wake the loop, so a bus message queued while the broker
 * is idle would wait up to 100 ms (measured: ticks 100 ms apart on an idle broker).
 *
 * epoll_wait returns EINTR when a signal handler runs on its thread (never restarted, whatever
 * SA_RESTART says), and mosquitto then goes round its loop: tick included. So the plugin
 * installs a no-op handler for a real-time signal (SA_RESTART, so other interrupted system
 * calls resume) and sends it to the broker thread with pthread_kill when the queue gets work
 * (measured: the tick runs within 100 us). A signal that lands between the tick and
 * epoll_wait is lost in the wait, so the waker thread signals again every RETRY_US until a
 * tick has seen the work. With wake_signal 0 nothing is installed and the queue is drained
 * every tick (<= 100 ms). */
#define _GNU_SOURCE
#include "broker.h"

#include <lyrebird/error.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#define RETRY_US 1000

static void on_signal(int signo)
{
    (void)signo; /* its only job is to interrupt epoll_wait */
}

static void deadline_in(struct timespec *ts, long us)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_nsec += us * 1000;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static void *waker(void *arg)
{
    mqb *st = arg;
    mqb_wake *w = &st->wake;
    struct timespec deadline;
    pthread_setname_np(pthread_self(), "lb-waker");
    pthread_mutex_lock(&w->lock);
    while (!w->stop) {
        if (!atomic_load(&w->pending)) {
            pthread_cond_wait(&w->cond, &w->lock);
            continue;
        }
        /* wake_up signalled already; give the broker RETRY_US to tick, then insist */
        deadline_in(&deadline, RETRY_US);
        while (!w->stop && pthread_cond_timedwait(&w->cond, &w->lock, &deadline) != ETIMEDOUT)
            ;
        if (!w->stop && atomic_load(&w->pending) && atomic_load(&w->known)) {
            pthread_kill(w->broker_thread, w->signo);
            mqb_count(st, MQB_WAKES, 1);
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

int mqb_wake_start(mqb *st)
{
    mqb_wake *w = &st->wake;
    struct sigaction old, sa;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, &attr);
    pthread_condattr_destroy(&attr);
    w->inited = 1;
    if (!w->signo)
        return 0;
    if (sigaction(w->signo, NULL, &old) == 0 && old.sa_handler != SIG_DFL &&
        old.sa_handler != SIG_IGN) {
        mosquitto_log_printf(MOSQ_LOG_WARNING,
                             "lyrebird: signal %d has a handler already: not waking the broker "
                             "loop (bus messages wait for the 100 ms tick)",
                             w->signo);
        w->signo = 0;
        return 0;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(w->signo, &sa, NULL) != 0)
        return LB_EIO;
    if (pthread_create(&w->thread, NULL, waker, st) != 0)
        return LB_EIO;
    w->started = 1;
    return 0;
}

void mqb_wake_stop(mqb *st)
{
    mqb_wake *w = &st->wake;
    if (!w->inited)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    if (w->started)
        pthread_join(w->thread, NULL);
    w->started = 0;
    if (w->signo) {
        /* the handler's code goes away with the plugin: ignore the signal from now on (a
         * default action would end the process) */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_IGN;
        sigaction(w->signo, &sa, NULL);
    }
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    w->inited = 0;
}

void mqb_wake_ticked(mqb *st)
{
    mqb_wake *w = &st->wake;
    if (!atomic_load_explicit(&w->known, memory_order_relaxed)) {
        w->broker_thread = pthread_self();
        atomic_store(&w->known, 1);
    }
    if (atomic_load_explicit(&w->pending, memory_order_relaxed))
        atomic_store(&w->pending, 0);
}

void mqb_wake_up(mqb *st)
{
    mqb_wake *w = &st->wake;
    if (!w->signo || atomic_exchange(&w->pending, 1) != 0)
        return;
    pthread_mutex_lock(&w->lock);
    if (!w->stop && atomic_load(&w->known)) {
        pthread_kill(w->broker_thread, w->signo);
        mqb_count(st, MQB_WAKES, 1);
    }
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}
