package dev.breakwater.cache.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.admission.Admission.Cost;
import dev.breakwater.cache.selector.SelectionPredicate;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    @ParameterizedTest(name = "LIST limit={0}: {1}")
    @CsvSource({"0, EXPENSIVE", "-1, EXPENSIVE", "1, CHEAP", "500, CHEAP", "501, EXPENSIVE", "100000, EXPENSIVE"})
    void listCost(long limit, Cost expected) {
        assertThat(Admission.ofList(WatchCache.ListRequest.current("", null, limit, SelectionPredicate.everything(), 0)))
                .isEqualTo(expected);
        assertThat(Admission.ofList(WatchCache.ListRequest.snapshot("ns/", "ns/a", limit, SelectionPredicate.everything(), 7)))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "WATCH rv={0} sendInitialEvents={1}: {2}")
    @CsvSource({
        "0, , EXPENSIVE",        // RV 0, no sendInitialEvents: the state, then events
        "0, true, EXPENSIVE",    // WatchList
        "7, true, EXPENSIVE",    // WatchList (NotOlderThan 7)
        "0, false, CHEAP",       // from now
        "7, , CHEAP",            // history after 7
        "7, false, CHEAP"})
    void watchCost(long rv, Boolean sendInitialEvents, Cost expected) {
        assertThat(Admission.ofWatch(new WatchCache.WatchRequest("", rv, sendInitialEvents, true,
                SelectionPredicate.everything(), null))).isEqualTo(expected);
    }

    @Test
    void expensiveReadsAreRefusedWhileTheAccountIsAtItsLimitCheapOnesNever() {
        BytesInFlight account = new BytesInFlight(1000);
        Admission admission = new Admission(account);
        assertThat(admission.admits(Cost.EXPENSIVE)).isTrue();
        account.acquire(999);
        assertThat(admission.admits(Cost.EXPENSIVE)).isTrue();
        account.acquire(1);
        assertThat(account.exhausted()).isTrue();
        assertThat(admission.admits(Cost.EXPENSIVE)).isFalse();
        assertThat(admission.admits(Cost.CHEAP)).isTrue();
        account.acquire(5000);
        assertThat(admission.admits(Cost.CHEAP)).isTrue();
        account.release(5001); // written: below the limit again
        assertThat(account.used()).isEqualTo(999);
        assertThat(admission.admits(Cost.EXPENSIVE)).isTrue();
        assertThat(Admission.unlimited().admits(Cost.EXPENSIVE)).isTrue();
    }

    @Test
    void badAmountsAndLimitsAreProgrammingErrors() {
        assertThatThrownBy(() -> new BytesInFlight(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BytesInFlight(-5)).isInstanceOf(IllegalArgumentException.class);
        BytesInFlight a = new BytesInFlight(10);
        assertThatThrownBy(() -> a.acquire(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.release(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(a.used()).isZero();
    }

    /** The body Go's http.Error writes for the APF / max-in-flight rejection: the message plus Fprintln's newline. */
    @Test
    void theOverloadAnswerIsTheApiserversBytes() {
        assertThat(new String(Admission.TOO_MANY_REQUESTS_BODY, StandardCharsets.UTF_8))
                .isEqualTo("Too many requests, please try again later.\n");
        assertThat(Admission.TOO_MANY_REQUESTS_BODY).hasSize(43);
        assertThat(Admission.TOO_MANY_REQUESTS_CONTENT_TYPE).isEqualTo("text/plain; charset=utf-8");
        assertThat(Admission.RETRY_AFTER_SECONDS).isEqualTo(1);
    }

    @ParameterizedTest(name = "max={0} held={1} exhausted={2}: blocked={3} hardCap={4} sinkFull={5}")
    @CsvSource({
        // max,     held,    exhausted, blocked, hardCap, sinkFull
        "1048576, 0,       false, false, false, false",
        "1048576, 524288,  false, false, false, false",
        "1048576, 524289,  false, false, false, true",
        "1048576, 1048576, false, true,  false, true",
        "1048576, 2097152, false, true,  true,  true",
        "1048576, 65535,   true,  false, false, false",
        "1048576, 65536,   true,  true,  false, false",
        "1048576, 65537,   true,  true,  false, true",
        "16384,   16384,   true,  true,  false, true",   // a budget under the floor: the floor is the budget
        "16384,   8192,    true,  false, false, false",
        "16384,   8193,    false, false, false, true"})
    void watcherBudgetRules(long max, long held, boolean exhausted, boolean blocked, boolean hardCap, boolean sinkFull) {
        BytesInFlight global = new BytesInFlight(100);
        if (exhausted) {
            global.acquire(100);
        }
        WatcherBudget b = new WatcherBudget(max, global);
        assertThat(b.blocked(held)).as("blocked").isEqualTo(blocked);
        assertThat(b.overHardCap(held)).as("hard cap").isEqualTo(hardCap);
        assertThat(b.sinkFull(held)).as("sink full").isEqualTo(sinkFull);
    }

    @Test
    void aWatcherBudgetMustBePositive() {
        assertThatThrownBy(() -> new WatcherBudget(0, BytesInFlight.unlimited())).isInstanceOf(IllegalArgumentException.class);
        assertThat(WatcherBudget.UNLIMITED.blocked(Long.MAX_VALUE / 8)).isFalse();
    }
}
