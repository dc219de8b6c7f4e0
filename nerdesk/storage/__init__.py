"""nerdesk.storage"""
