#!/usr/bin/env python3
"""Rewrites a descriptor set so that protoc-c 1.4 (which refuses proto3 `optional`) accepts it.

A proto3 `optional` field is, in the descriptor, a field flagged `proto3_optional` inside a
synthetic one-field oneof. Clearing the flag turns that oneof into an ordinary oneof with the
same single member: the wire format is identical and protobuf-c still tracks presence (through
the oneof's case). Usage: proto3-optional-as-oneof.py IN.pb OUT.pb — prints the names of the
files of the set, one a line, for the protoc-c command line.
"""
import sys

from google.protobuf import descriptor_pb2


def clear(message):
    for field in message.field:
        if field.proto3_optional:
            field.proto3_optional = False
    for nested in message.nested_type:
        clear(nested)


def main(source, target):
    descriptors = descriptor_pb2.FileDescriptorSet()
    with open(source, "rb") as handle:
        descriptors.ParseFromString(handle.read())
    for file in descriptors.file:
        for message in file.message_type:
            clear(message)
    with open(target, "wb") as handle:
        handle.write(descriptors.SerializeToString())
    for file in descriptors.file:
        print(file.name)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
