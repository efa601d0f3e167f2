"""Customers: phone numbers, per-customer statistics, lifecycle segments, RFM and KPIs."""
