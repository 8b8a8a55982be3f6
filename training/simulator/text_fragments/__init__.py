"""Fragment lists and slot grammars of the call-text generator, one module per category."""

from training.simulator.text_fragments import (
    assistance,
    assistance_extra,
    assistance_more,
    criminal,
    criminal_extra,
    criminal_more,
    criminal_new,
    dispute,
    dispute_extra,
    dispute_more,
    non_police,
    non_police_extra,
    non_police_more,
    public_order,
    public_order_extra,
    public_order_law,
    public_order_more,
    records_more,
    traffic_fire,
)

# Per category, fragment modules in order; later modules add sub-types or extend earlier ones.
MODULES = {
    "criminal": (criminal, criminal_more, criminal_extra, criminal_new),
    "public_order": (
        public_order,
        public_order_more,
        public_order_extra,
        public_order_law,
        records_more.PUBLIC_ORDER,
    ),
    "dispute": (dispute, dispute_more, dispute_extra),
    "assistance": (assistance, assistance_more, assistance_extra),
    "non_police": (
        non_police,
        non_police_more,
        non_police_extra,
        traffic_fire,
        records_more.NON_POLICE,
    ),
}
