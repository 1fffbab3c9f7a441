"""RabbitMQ: topology, publishing with confirms, and error mapping."""

from omnihub.broker.errors import map_broker_errors
from omnihub.broker.publisher import Publisher, envelope_message, envelope_properties
from omnihub.broker.topology import Topology, declare_topology, plan_topology

__all__ = [
    "Publisher",
    "Topology",
    "declare_topology",
    "envelope_message",
    "envelope_properties",
    "map_broker_errors",
    "plan_topology",
]
