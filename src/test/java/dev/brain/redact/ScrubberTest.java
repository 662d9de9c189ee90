package dev.brain.redact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScrubberTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Replied to jane.doe+billing@example.co.uk about it | Replied to [email] about it",
            "Called +44 20 7946 0958 back | Called [phone] back",
            "Called (212) 555-0199 back | Called [phone] back",
            "Called 0151 496 0123 back | Called [phone] back",
            "Texted +4915112345678 | Texted [phone]",
            "Called +33 6 12 34 56 78 | Called [phone]",
            "Refunded 4111 1111 1111 1111 today | Refunded [card] today",
            "Refunded 5500-0000-0000-0004 today | Refunded [card] today",
            "Paid to DE89 3704 0044 0532 0130 00 | Paid to [iban]",
            "Paid to GB82WEST12345698765432 | Paid to [iban]",
            "Closed #48213 | Closed [id]",
            "Shipped ORD-2291 late | Shipped [id] late",
            "Escalated ticket 99321 | Escalated ticket [id]",
            "Account no. 12345678 frozen | Account no. [id] frozen",
            "Customer number 99887766 | Customer number [number]",
            "See https://shop.example.com/orders/48213?token=abc now | See [url] now",
    })
    void personal_data_is_replaced_with_a_tag(String input, String expected) {
        assertEquals(expected, Scrubber.scrub(input));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Meeting moved to 2026-04-29 at 10:30",
            "Booked a table for 4 at 7pm",
            "Quoted 3 items for 25.50 EUR",
            "Upgraded the agent to version 1.8.2",
            "Linked https://example.com/pricing in the reply",
            "Card ending 4242 was declined",
    })
    void business_intent_is_left_alone(String input) {
        assertEquals(input, Scrubber.scrub(input));
    }

    @ParameterizedTest
    @CsvSource({"4111111111111111,true", "4111111111111112,false", "79927398713,true"})
    void luhn(String digits, boolean valid) {
        assertEquals(valid, Scrubber.luhn(digits));
    }
}
