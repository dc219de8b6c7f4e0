"""nerdesk.runtime"""
